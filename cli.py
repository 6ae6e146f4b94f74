"""The `ct-equity` command: each command a few lines over library functions."""
from __future__ import annotations

import sqlite3
import sys
import time
from pathlib import Path

import click
from sqlalchemy.exc import SQLAlchemyError
from tqdm import tqdm

from data_access.db import get_engine
from data_access.releases import ReleaseError, list_releases, publish, release_count, rollback
from data_access.settings import load_settings


def _engine():
    return get_engine(load_settings().database_url)


WARM_OPTION = click.option("--warm/--no-warm", default=True, show_default=True,
                           help="Fill the shared cache with what each page asks for first (web/warm.py).")


def _warm(release_id: str) -> None:
    """Warm the shared cache for a release just made current; a failure is reported, never fatal (the pages then
    only start slower)."""
    from app import app
    from data_access.queries import current_settings
    from web.warm import warm_release

    click.echo(f"Warming the cache for {release_id} (each page's first view, for the public):")
    started = time.perf_counter()
    current_settings.cache_clear()  # the app reads this command's settings (the same database and cache)
    try:
        warm_release(app, release_id, click.echo)
    except Exception as exc:  # noqa: BLE001 - the release is published whatever happens here
        click.echo(f"Warming stopped ({exc.__class__.__name__}: {exc}); the pages will fill the cache themselves.",
                   err=True)
        return
    finally:
        current_settings.cache_clear()
    click.echo(f"Warmed in {time.perf_counter() - started:.1f} s.")


class Commands(click.Group):
    """The command group: a database error ends any command with one line and exit status 1, no traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (SQLAlchemyError, sqlite3.Error) as exc:
            from data_access.health import describe

            click.echo(f"Error: {describe(exc)}", err=True)
            ctx.exit(1)


@click.group(cls=Commands)
def main() -> None:
    """CT Equity Benchmarks: build, publish and serve disclosure-safe equity benchmarks."""


@main.command("demo-data")
@click.option("--out", "out", type=click.Path(path_type=Path), required=True, help="Folder to write the CSVs to.")
@click.option("--seed", default=2024, show_default=True, help="Random seed (same seed, same files).")
@click.option("--scale", default=1, show_default=True, type=click.IntRange(1, 100), help="10 = the scaled set.")
def demo_data(out: Path, seed: int, scale: int) -> None:
    """Write a complete synthetic input set in the input contract."""
    from pipeline.demo.generate import write_demo_inputs

    with tqdm(desc="demo data", unit="file", total=11) as bar:
        counts = write_demo_inputs(out, seed=seed, scale=scale, progress=lambda _name: bar.update())
    for name, rows in counts.items():
        click.echo(f"  {name:<22} {rows:>10,} rows")
    click.echo(f"Synthetic inputs written to {out}")


@main.command()
@click.option("--inputs", type=click.Path(path_type=Path, file_okay=False), required=True)
@click.option("--publish", "do_publish", is_flag=True, help="Publish the new release right away.")
@WARM_OPTION
def build(inputs: Path, do_publish: bool, warm: bool = True) -> None:
    """Validate the inputs, compute every release table and write a draft release."""
    from geo.boundaries import BoundaryError
    from pipeline.build import build_release
    from pipeline.release_checks import ReleaseCheckError
    from pipeline.validate import ValidationError

    try:
        result = _run_build(build_release, inputs)
    except ValidationError as exc:
        where = "the computed release tables" if isinstance(exc, ReleaseCheckError) else str(inputs)
        click.echo(f"Build refused: {len(exc.problems)} problem(s) in {where}; nothing was written.", err=True)
        for line in exc.problems:
            click.echo(f"  {line}", err=True)
        sys.exit(2)
    except BoundaryError as exc:
        click.echo(f"Build refused: town boundaries: {exc}; nothing was written.", err=True)
        sys.exit(2)
    _report_build(result)
    if do_publish:
        publish(_engine(), result.release_id)
        click.echo(f"Published {result.release_id}.")
        if warm:
            _warm(result.release_id)


def _run_build(build_release, inputs: Path):
    with tqdm(desc="build", total=10, unit="step", bar_format="{l_bar}{bar}| {n_fmt}/{total_fmt} {postfix}") as bar:
        def step(name: str) -> None:
            bar.set_postfix_str(name)
            bar.update()

        result = build_release(inputs, load_settings(), progress=step)
        bar.update(bar.total - bar.n)
    return result


def _report_build(result) -> None:
    from pipeline.summary import headline_figures

    click.echo(f"Draft release {result.release_id} written in {result.seconds:.1f} s"
               f"{' (synthetic demo data)' if result.synthetic else ''}.")
    for name, rows in result.row_counts.items():
        click.echo(f"  {name:<22} {rows:>10,} rows")
    for line in headline_figures(result.tables):
        click.echo(f"  {line}")
    for note in result.notes:
        click.echo(f"  note: {note}")
    click.echo(f"Publish it with: ct-equity releases publish {result.release_id}")


@main.group()
def releases() -> None:
    """List, publish and roll back releases."""


@releases.command("list")
def releases_list() -> None:
    """Every release, newest first."""
    for info in list_releases(_engine()):
        flag = " synthetic" if info.synthetic else ""
        click.echo(f"{info.release_id}  {info.status:<9} {info.created_at:%Y-%m-%d %H:%M}{flag}  {info.notes}")


@releases.command("publish")
@click.argument("release_id")
@WARM_OPTION
def releases_publish(release_id: str, warm: bool) -> None:
    """Make RELEASE_ID the current public release."""
    try:
        publish(_engine(), release_id)
    except ReleaseError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Published {release_id}.")
    if warm:
        _warm(release_id)


@releases.command("warm")
@click.argument("release_id", required=False)
def releases_warm(release_id: str | None) -> None:
    """Fill the shared cache for RELEASE_ID (default: the current release), e.g. after the cache was wiped."""
    from data_access.releases import current_release_id

    release_id = release_id or current_release_id(_engine())
    if release_id is None:
        raise click.ClickException("no release is published")
    _warm(release_id)


@releases.command("rollback")
@WARM_OPTION
def releases_rollback(warm: bool) -> None:
    """Return to the release published before the current one."""
    try:
        previous = rollback(_engine())
    except ReleaseError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Rolled back: {previous} is current again.")
    if warm:
        _warm(previous)


@main.command()
@click.option("--host", default=None, help="Default: CT_EQUITY_HOST.")
@click.option("--port", default=None, type=int, help="Default: CT_EQUITY_PORT.")
def serve(host: str | None, port: int | None) -> None:
    """Serve the app with the development server."""
    from app import app

    settings = load_settings()
    app.run(host=host or settings.host, port=port or settings.port, debug=False)


@main.command()
@click.option("--port", default=None, type=int)
def demo(port: int | None) -> None:
    """Generate demo inputs, build and publish them if no release exists yet (offline: shipped towns), then serve."""
    settings = load_settings()
    if release_count(_engine()) == 0:
        inputs = settings.data_dir / "demo-inputs"  # maps: CT_EQUITY_BOUNDARIES, `geo import`, else the shipped layer
        click.get_current_context().invoke(demo_data, out=inputs, seed=2024, scale=1)
        click.get_current_context().invoke(build, inputs=inputs, do_publish=True)
    click.get_current_context().invoke(serve, host=None, port=port)


@main.group()
def users() -> None:
    """Manage accounts: agency, statewide and admin users."""


def _password(prompt: bool) -> str:
    return click.prompt("Password", hide_input=True, confirmation_prompt=True) if prompt else ""


@users.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(["agency", "statewide", "admin"]), required=True)
@click.option("--agency", "agencies", multiple=True, help="Agency code (repeat for several); agency role only.")
@click.option("--password", default=None, help="Default: asked for (keeps it out of the shell history).")
def users_add(username: str, role: str, agencies: tuple[str, ...], password: str | None) -> None:
    """Create USERNAME with a role (and agencies)."""
    from data_access.users import UserError, add_user

    try:
        add_user(_engine(), username, password or _password(True), role, frozenset(agencies))
    except UserError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Added {username} ({role}{': ' + ', '.join(agencies) if agencies else ''}).")


@users.command("list")
def users_list() -> None:
    """Every account with its role."""
    from data_access.users import list_users

    for row in list_users(_engine()):
        click.echo(f"{row['username']:<24} {row['role']:<10} {row['agencies']}")


@users.command("remove")
@click.argument("username")
def users_remove(username: str) -> None:
    """Delete USERNAME."""
    from data_access.users import UserError, remove_user

    try:
        remove_user(_engine(), username)
    except UserError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Removed {username}.")


@users.command("set-password")
@click.argument("username")
@click.option("--password", default=None, help="Default: asked for (keeps it out of the shell history).")
def users_set_password(username: str, password: str | None) -> None:
    """Give USERNAME a new password."""
    from data_access.users import UserError, set_password

    try:
        set_password(_engine(), username, password or _password(True))
    except UserError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"New password set for {username}.")


@main.group()
def geo() -> None:
    """Import or download town boundaries."""


@geo.command("import")
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
def geo_import(file: Path) -> None:
    """Import a boundary FILE (.zip shapefile, .shp, .geojson, .gpkg); the next build stores it."""
    from geo.boundaries import BoundaryError, import_boundaries, save_layers

    try:
        layers = import_boundaries(file)
    except BoundaryError as exc:
        raise click.ClickException(str(exc)) from exc
    target = load_settings().data_dir / "boundaries"
    save_layers(layers, target)
    click.echo(f"Imported {file} → {target}. Run `ct-equity build` to put it in a release.")


@geo.command("download")
@click.option("--vintage", default=2023, show_default=True, help="Census cartographic-boundary vintage.")
def geo_download(vintage: int) -> None:
    """Download the official Census town boundaries and import them."""
    from geo.boundaries import BoundaryError
    from geo.download import download_boundaries

    target = load_settings().data_dir / "downloads"
    try:
        with tqdm(desc="download", unit="B", unit_scale=True) as bar:
            def progress(done: int, total: int | None) -> None:
                bar.total = total
                bar.update(done - bar.n)

            path = download_boundaries(vintage, target, progress=progress)
    except BoundaryError as exc:
        raise click.ClickException(str(exc)) from exc
    click.get_current_context().invoke(geo_import, file=path)


@main.command()
@click.option("--scale", default=10, show_default=True, type=click.IntRange(1, 100))
@click.option("--json", "json_path", type=click.Path(path_type=Path), default=None, help="Write the results here.")
@click.option("--workdir", type=click.Path(path_type=Path), default=Path("data/bench"), show_default=True)
@click.option("--passes", default=3, show_default=True, help="Warm visits of each page.")
@click.option("--load-seconds", default=5.0, show_default=True, help="Length of each throughput run.")
@click.option("--build-scales", default="", help="Also generate and build these scales, e.g. 1,10,50 (cost curve).")
@click.option("--build-only", is_flag=True, help="Measure the builds only; do not serve and load the app.")
@click.option("--curve-svg", type=click.Path(path_type=Path), default=None, help="Draw the build curve here (SVG).")
def bench(scale: int, json_path: Path | None, workdir: Path, passes: int, load_seconds: float, build_scales: str,
          build_only: bool, curve_svg: Path | None) -> None:
    """Measure the DESIGN §8 budgets on this machine: callbacks, payloads, build, throughput."""
    from bench.budgets import Result, table
    from bench.build_scales import curve_svg as draw_curve
    from bench.build_scales import parse_scales
    from bench.run import run_bench, write_json

    try:
        scales = parse_scales(build_scales) if build_scales else []
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--build-scales") from exc
    report = run_bench(scale, workdir, passes=passes, load_seconds=load_seconds, say=click.echo,
                       build_scales=scales, build_only=build_only)
    click.echo(table([Result(**r) for r in report["results"]]))
    if curve_svg and report["build_curve"]:
        machine = report["machine"]
        curve_svg.write_text(draw_curve(report["build_curve"], f"{machine['cpus']} cores, {machine['platform']}"),
                             encoding="utf-8")
    floor = report.get("floor") or {}
    if floor.get("bare_flask_rps"):
        click.echo(f"cached callback {floor['callback_rps']:.0f} req/s vs bare Flask {floor['bare_flask_rps']:.0f}"
                   f" req/s (ratio {floor['callback_vs_floor']:.2f})")
    if json_path:
        write_json(report, json_path)
    failed = [r["label"] for r in report["results"] if r["passed"] is False]
    click.echo("all budgets met" if not failed else f"budgets missed: {', '.join(failed)}")


if __name__ == "__main__":  # pragma: no cover
    main()
