"""`veracity serve`: the web app and REST API on uvicorn (a thin shell over veracity.web)."""

from __future__ import annotations

from typing import Annotated

import typer

from veracity.cli.common import Home, LLMCache, LLMModel, LLMTimeout, LLMUrl, LLMUse, app, llm_options, option
from veracity.llm import DEFAULT_TIMEOUT_S as DEFAULT_LLM_TIMEOUT_S
from veracity.options import DEFAULT_MAX_MB, DEFAULT_TIMEOUT_S


@app.command("serve")
def serve_cmd(
    host: Annotated[str, typer.Option(help="Address to bind; anything but loopback needs --token or --no-auth.")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    token: Annotated[
        str | None,
        typer.Option(envvar="VERACITY_TOKEN", help="Require 'Authorization: Bearer TOKEN' (or $VERACITY_TOKEN)."),
    ] = None,
    no_auth: Annotated[bool, typer.Option(help="Serve a non-loopback address without a token (explicitly).")] = False,
    workers: Annotated[int, typer.Option(min=1, max=16, help="Analyses run at once (models load once).")] = 1,
    # The server's part of every analysis' options (OPTION_TABLE: web="server"), bounds from the table.
    timeout: Annotated[float, option("timeout", help="Seconds an analysis may take before it stops and its job "
                                     "fails.")] = DEFAULT_TIMEOUT_S,  # fmt: skip
    rate_limit: Annotated[int, typer.Option(min=0, help="Analyses per client per minute (0: no limit).")] = 30,
    max_mb: Annotated[
        float, option("max_mb", help="Refuse request bodies (and so inputs) over this many megabytes (413).")
    ] = DEFAULT_MAX_MB,
    upload_rate_limit: Annotated[int, typer.Option(min=0, help="Corpus uploads per client per minute (0: none).")] = 10,
    upload_quota_mb: Annotated[float, typer.Option(min=0.0, help="Megabytes of uploads kept per collection.")] = 200.0,
    upload_quota_files: Annotated[int, typer.Option(min=0, help="Uploaded files kept per collection.")] = 1000,
    header_timeout: Annotated[float, typer.Option(min=0.1, help="Seconds a client has to send its headers.")] = 10.0,
    body_timeout: Annotated[float, typer.Option(min=0.1, help="Seconds a client has to send a body (408).")] = 60.0,
    publisher: Annotated[
        str | None, typer.Option(help="The organisation named as author of the ClaimReview exports.")
    ] = None,
    allow_host: Annotated[
        list[str] | None, typer.Option(help="Another Host header to accept (a name the server is reached by).")
    ] = None,
    public_url: Annotated[
        str | None,
        typer.Option(help="The address users reach the server by (e.g. https://checks.example.org): used in "
                          "ClaimReview urls and exported reports' links; its host is accepted."),
    ] = None,
    home: Home = None,
    llm_url: LLMUrl = None,
    llm_model: LLMModel = None,
    llm_use: LLMUse = None,
    llm_timeout: LLMTimeout = DEFAULT_LLM_TIMEOUT_S,
    llm_cache: LLMCache = True,
) -> None:
    """Serve the web app (/) and the REST API (/v1, OpenAPI at /docs). Reports and jobs are stored in $VERACITY_HOME
    (SQLite) or $VERACITY_DB_URL (PostgreSQL)."""
    from veracity.errors import InputError
    from veracity.web.app import create_app
    from veracity.web.security import Settings

    try:
        from urllib.parse import urlsplit

        if public_url is not None and not (public_url.lower().startswith(("http://", "https://"))
                                           and urlsplit(public_url).hostname):  # fmt: skip
            raise InputError(f"--public-url must be an http(s) address, not {public_url!r}")
        if public_url:
            allow_host = [*(allow_host or ()), urlsplit(public_url).hostname or ""]
        llm = llm_options(llm_url, llm_model, llm_use, llm_timeout, llm_cache)
        settings = Settings(host=host, port=port, token=token, no_auth=no_auth, workers=workers, timeout=timeout,
                            rate_limit=rate_limit, max_mb=max_mb, home=home, extra_hosts=tuple(allow_host or ()),
                            llm=llm, upload_rate_limit=upload_rate_limit, upload_quota_mb=upload_quota_mb,
                            upload_quota_files=upload_quota_files, header_timeout=header_timeout,
                            body_timeout=body_timeout, public_url=public_url.rstrip("/") if public_url else None,
                            **({"publisher": publisher} if publisher else {}))  # fmt: skip
        settings.base_options()  # checked here, so a bad --llm-url is one line, not a failed start-up
    except (ValueError, InputError) as exc:
        typer.echo(f"veracity: error: {exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"veracity: serving http://{host}:{port}/ (API docs: /docs)", err=True)
    from veracity.web.server import serve

    # One process: the worker pool and the loaded models live in it (uvicorn's own --workers would copy both).
    serve(create_app(settings), host=host, port=port, header_timeout=settings.header_timeout)
