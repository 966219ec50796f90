"""faqbot: answers residents' questions only from the knowledge articles it was given."""

__version__ = "0.1.0"
