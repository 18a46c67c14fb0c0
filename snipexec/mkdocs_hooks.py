"""Entry point named by ``hooks:`` in mkdocs.yml.

MkDocs executes a hooks file afresh for every config it loads, so the
adapter (and the state shared by the Korean and English builds) lives in
the importable module ``snipexec.mkdocs_adapter``.
"""
from snipexec.mkdocs_adapter import (  # noqa: F401
    on_build_error, on_config, on_env, on_files, on_nav, on_page_content, on_page_markdown, on_post_build,
    on_post_page, on_pre_page, on_serve, on_shutdown, on_startup,
)
