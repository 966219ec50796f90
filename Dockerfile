# Mirrors the Makefile: `make install` (pip install -e .), `make index` (faqbot ingest), then serve.
FROM python:3.11-slim
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONUNBUFFERED=1 FAQBOT_DATA_DIR=/app/data FAQBOT_KNOWLEDGE_DIR=/app/knowledge
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY knowledge ./knowledge
# make install
RUN pip install -e .
# make index
RUN faqbot ingest --quiet
EXPOSE 8000
# make serve, listening on all interfaces inside the container
CMD ["faqbot", "serve", "--host", "0.0.0.0", "--port", "8000"]
