"""The `asb-dashboard` command: serve, build the database, load data, regenerate extracts."""

from __future__ import annotations

import getpass
import shlex
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from sqlalchemy import Engine, select

from dashboard.core.database import LockTimeout, db, load_lock, upgrade
from dashboard.core.paths import DATA
from dashboard.core.settings import MissingBackend, Settings
from dashboard.loaders.errors import LoadRejected
from dashboard.web.config import database_url

# How long a load waits for another to finish before giving up (`load --lock-timeout`). A full
# national police.uk load takes tens of minutes.
LOAD_LOCK_TIMEOUT = 3600.0


def _command_line() -> str:
    return "asb-dashboard " + shlex.join(sys.argv[1:])


def _engine():
    db.configure(database_url(Settings.from_env()))
    upgrade(db.engine)
    return db.engine


def _report(reports) -> None:
    for report in reports if isinstance(reports, list) else [reports]:
        click.echo(report.summary())


def _operator() -> str:
    """Who ran the command, for the audit log."""
    return f"cli:{getpass.getuser()}"


@contextmanager
def _one_load_at_a_time(engine: Engine, timeout: float) -> Iterator[None]:
    """Wait for any other load on this database to finish (saying so), or exit 2 after `timeout`."""

    def waiting() -> None:
        click.echo(
            f"Another load is running; waiting… (at most {timeout:g} s: see --lock-timeout)",
            err=True,
        )

    try:
        with load_lock(engine, waiting, timeout):
            yield
    except LockTimeout:
        click.echo(
            f"Another load is still running after {timeout:g} s; gave up, nothing was loaded "
            "(try again when it has finished)",
            err=True,
        )
        sys.exit(2)


def _run_load(fn, *args) -> None:
    from queries.audit import record_event

    engine = _engine()
    options = click.get_current_context().find_object(dict) or {}
    timeout = float(options.get("lock_timeout", LOAD_LOCK_TIMEOUT))
    try:
        with _one_load_at_a_time(engine, timeout):
            reports = fn(engine, *args, command=_command_line())
    except LoadRejected as exc:
        record_event(_operator(), "data-load-rejected", _command_line())
        click.echo(str(exc), err=True)
        sys.exit(2)
    _report(reports)
    for report in reports if isinstance(reports, list) else [reports]:
        record_event(_operator(), "data-load", report.summary())


@click.group()
def main() -> None:
    """ASB Oversight Dashboard."""
    try:
        Settings.from_env().check_backends()
    except MissingBackend as exc:  # one line naming the extra to install, not a traceback
        raise click.ClickException(str(exc)) from None


@main.command()
@click.option("--host", default=None, help="Interface to listen on (default HOST or 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (default PORT or 8050).")
def run(host: str | None, port: int | None) -> None:
    """Serve the dashboard (building the default database on first start)."""
    from dashboard.app import create_app
    from dashboard.web.runtime import settle_heap

    settings = Settings.from_env()
    try:
        settings.check_production()
        settings.check_pptx_template()
    except RuntimeError as exc:  # a clear message, not a traceback
        raise click.ClickException(str(exc)) from None
    app = create_app(settings)
    settle_heap()
    host = host or settings.host
    port = port or settings.port
    click.echo(f"ASB Oversight Dashboard on http://{host}:{port}/")
    app.run(host=host, port=port, debug=False)


@main.command("init-db")
@click.option("--default-data/--empty", default=True, help="Load the shipped default dataset.")
def init_db(default_data: bool) -> None:
    """Create or migrate the schema, and load the default dataset if the database is empty."""
    from dashboard.core.database import has_data
    from dashboard.loaders.bootstrap import build_default_data

    engine = _engine()
    if default_data and not has_data(engine):
        with _one_load_at_a_time(engine, LOAD_LOCK_TIMEOUT):
            _report(build_default_data(engine, _command_line()))
    click.echo(f"Database ready: {engine.url.render_as_string(hide_password=True)}")


@main.command("upgrade-db")
def upgrade_db() -> None:
    """The deploy step: migrate the schema (one process at a time), and on an empty database
    with ASB_AUTO_INIT on, load the default dataset. Serving processes never need it to boot."""
    from dashboard.core.outage import DATABASE_ERRORS
    from dashboard.loaders.bootstrap import ensure_database

    settings = Settings.from_env()
    db.configure(database_url(settings))
    try:
        ensure_database(db.engine, settings.auto_init)
    except DATABASE_ERRORS as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        click.echo(f"The database did not answer, so nothing was changed: {reason}", err=True)
        sys.exit(2)
    click.echo("Schema is at the latest migration.")


@main.group()
@click.option(
    "--lock-timeout",
    type=click.FloatRange(min=0),
    default=LOAD_LOCK_TIMEOUT,
    show_default=True,
    envvar="ASB_LOAD_LOCK_TIMEOUT",
    help="Seconds to wait for another load to finish before giving up (exit 2).",
)
@click.pass_context
def load(ctx: click.Context, lock_timeout: float) -> None:
    """Load data files. Each file is checked whole first; a bad one changes nothing.

    One load runs at a time on a database; another waits for it.
    """
    ctx.ensure_object(dict)["lock_timeout"] = lock_timeout


@load.command("police-uk")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def load_police_uk(paths) -> None:
    """police.uk street-level CSV files (YYYY-MM-<force>-street.csv, .csv.gz accepted)."""
    from dashboard.loaders.police_uk import load_street_files

    _run_load(load_street_files, list(paths))


@load.command("police-uk-api")
@click.argument("path", type=click.Path(path_type=Path))
def load_police_uk_api(path) -> None:
    """A police.uk API-format file (CSV or JSON; points, no LSOA)."""
    from dashboard.loaders.police_uk import load_api_file

    _run_load(load_api_file, path)


@load.command("published")
@click.argument("directory", type=click.Path(path_type=Path))
def load_published_cmd(directory) -> None:
    """The report's published tables (a folder of *_asb_annual.csv etc.)."""
    from dashboard.loaders.published import load_published

    _run_load(load_published, directory)


@load.command("geography")
@click.argument("districts", type=click.Path(path_type=Path))
@click.argument("lsoas", type=click.Path(path_type=Path))
@click.option("--force", "force_name", required=True, help='Force name, e.g. "Essex Police".')
def load_geography_cmd(districts, lsoas, force_name) -> None:
    """DISTRICTS: local_authority,policing_district,local_policing_area. LSOAS: the lookup."""
    from dashboard.loaders.geography import load_geography

    _run_load(load_geography, districts, lsoas, force_name)


@load.command("population")
@click.argument("path", type=click.Path(path_type=Path))
def load_population_cmd(path) -> None:
    """Population template: area_code,year,persons,source."""
    from dashboard.loaders.geography import load_population

    _run_load(load_population, path)


@load.command("force-lsoas")
@click.argument("path", type=click.Path(path_type=Path))
def load_force_lsoas_cmd(path) -> None:
    """Other forces' LSOAs (force,lsoa_code,lsoa_name[,latitude,longitude,population])."""
    from dashboard.loaders.geography import load_force_lsoas

    _run_load(load_force_lsoas, path)


def _template_command(name: str):
    from dashboard.loaders.templates import TEMPLATES, load_template

    spec = TEMPLATES[name]

    @click.argument("path", type=click.Path(path_type=Path))
    def command(path) -> None:
        _run_load(load_template, name, path)

    command.__doc__ = f"{spec.description}\n\nColumns: {', '.join(spec.required)}" + (
        f" (optional: {', '.join(spec.optional)})" if spec.optional else ""
    )
    load.command(name)(command)


for _name in ("incidents", "surveys", "msg", "targets", "events"):
    _template_command(_name)


@main.command()
def loads() -> None:
    """List what has been loaded, newest first."""
    from dashboard.core.models import DataLoad

    with _engine().connect() as conn:
        rows = conn.execute(select(DataLoad).order_by(DataLoad.id.desc())).all()
    for r in rows:
        click.echo(
            f"{r.id:>4}  {r.loaded_at:%Y-%m-%d %H:%M}  {r.kind:<22} {r.rows_loaded:>8,}  "
            f"{r.file_name}  sha256:{r.sha256[:12]}"
        )


@main.command("generate-illustrative")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=DATA / "illustrative",
    show_default=True,
)
def generate_illustrative(out: Path) -> None:
    """Regenerate the seeded illustrative files from the shipped published tables."""
    from dashboard.loaders import illustrative
    from dashboard.loaders.bootstrap import DATA, FORCE_NAME

    published = illustrative.read_published(DATA / "published")
    weights = illustrative.district_weights(
        DATA / "geography" / "essex_geography.csv", sorted((DATA / "police_uk").glob("*.csv.gz"))
    )
    out.mkdir(parents=True, exist_ok=True)
    illustrative.generate_incidents(published, weights).to_csv(
        out / "incidents_monthly.csv", index=False, lineterminator="\n"
    )
    population = illustrative.force_population(DATA / "population" / "census_2011_lsoa.csv")
    illustrative.generate_msg(published, FORCE_NAME, population).to_csv(
        out / "msg_asb_incidents.csv", index=False, lineterminator="\n"
    )
    click.echo(f"wrote {out}/incidents_monthly.csv and msg_asb_incidents.csv")


@main.group()
def users() -> None:
    """Local accounts: create, list, unlock, disable. (OpenID Connect users appear on sign-in.)"""


@users.command("create")
@click.argument("username")
@click.option(
    "--role",
    type=click.Choice(["viewer", "commander", "analyst", "admin"]),
    default="viewer",
    show_default=True,
)
@click.option("--name", "display_name", default=None, help="Name shown in the app.")
@click.option("--home-area", default="", help="Default area, e.g. district:Colchester.")
@click.option(
    "--allowed-areas",
    default="",
    help="Restrict to these areas (space-separated selectors, e.g. 'lpa:North'); empty: all.",
)
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from stdin instead of a prompt."
)
def users_create(username, role, display_name, home_area, allowed_areas, password_stdin) -> None:
    """Create a local account, or reset its password and settings (ending its sessions)."""
    from dashboard.web.auth.passwords import hash_password
    from queries.accounts import save_account
    from queries.audit import record_event

    _engine()
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        password_hash = hash_password(password)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="password") from exc
    save_account(
        username,
        role=role,
        display_name=display_name or username,
        home_area=home_area,
        allowed_areas=allowed_areas,
        password_hash=password_hash,
        active=True,
        failed_sign_ins=0,
        locked_until=None,
    )
    record_event(_operator(), "user-saved", f"{username} as {role}")
    click.echo(f"Saved {username} ({role}).")


@users.command("list")
def users_list() -> None:
    """Every account, with its role and state."""
    from queries.accounts import all_accounts

    _engine()
    for a in all_accounts():
        state = "active" if a.active else "disabled"
        if a.locked_until:
            state += f", locked until {a.locked_until:%Y-%m-%d %H:%M} UTC"
        login = "password" if a.password_hash else "OpenID Connect"
        click.echo(f"{a.username}\t{a.role}\t{login}\t{state}\t{a.home_area or '-'}")


@users.command("unlock")
@click.argument("username")
def users_unlock(username) -> None:
    """Clear a lock-out after failed sign-ins."""
    _set_user(username, "user-unlocked", failed_sign_ins=0, locked_until=None)


@users.command("disable")
@click.argument("username")
def users_disable(username) -> None:
    """Stop an account signing in, and end its open sessions (for good, if enabled again)."""
    _set_user(username, "user-disabled", active=False)


def _set_user(username: str, action: str, **values) -> None:
    from queries.accounts import account_by_username, save_account
    from queries.audit import record_event

    _engine()
    if account_by_username(username) is None:
        raise click.ClickException(f"No account named {username!r}.")
    save_account(username, **values)
    record_event(_operator(), action, username)
    click.echo(f"{action.replace('user-', '').capitalize()}: {username}.")
