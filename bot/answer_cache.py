"""A small LRU of recent first-turn answers, so the questions residents ask most cost one chain run.

Only questions without conversation history are cached (a follow-up depends on what came before).
The key carries the index version, so a hot swap makes every older entry unreachable at once;
entries also expire after ``ttl`` seconds so date-dependent wording ("以上信息来自…") stays fresh.
Every ask is still recorded and counted; only the chain run is skipped.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from bot.types import Answer

CacheKey = tuple[str, str, bool]  # (index version, trimmed question, detail)


class AnswerCache:
    def __init__(self, size: int, ttl: float) -> None:
        self.size = size
        self.ttl = ttl
        self._items: OrderedDict[CacheKey, tuple[float, Answer]] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.size > 0 and self.ttl > 0

    def get(self, key: CacheKey) -> Answer | None:
        if not self.enabled:
            return None
        now = time.monotonic()
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            if now - item[0] > self.ttl:
                del self._items[key]
                return None
            self._items.move_to_end(key)
            return item[1]

    def put(self, key: CacheKey, answer: Answer) -> None:
        if not self.enabled:
            return
        with self._lock:
            self._items[key] = (time.monotonic(), answer)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)
