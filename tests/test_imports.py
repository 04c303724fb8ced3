"""An administrator moves a hotel in: room types, rooms, plans, rates, guests and stays from the
files of the system it leaves, each file whole or not at all.

Every import runs through the CLI (CliRunner) on the test hotel (business date Tue 1 Dec 2026),
on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner, Result

from cli import app
from db.models import AuditLog, Guest, Reservation
from pms.hotel.properties import property_view
from pms.kernel.desk import Desk
from pms.rates.plans import list_rate_plans
from pms.setup.rooms_admin import list_rooms
from pms.stays.reservation_lists import list_reservations

_runner = CliRunner(env={"COLUMNS": "200"})
EXAMPLES = Path(__file__).parent.parent / "examples" / "imports"


def pms(desk: Desk, *args: str, user: str = "admin") -> Result:
    """`pms --db URL --user USER ARGS`, as an administrator's script runs it."""
    url = desk.engine.url.render_as_string(hide_password=False)
    return _runner.invoke(app, ["--db", url, "--user", user, *args])


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def problems(result: Result) -> list[str]:
    """The bad rows a refused import listed (file name dropped), after its one error line."""
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("error: ") and "nothing was imported" in lines[-1]
    return [line.split(": ", 1)[1] for line in lines[:-1]]


def count(desk: Desk, model: type) -> int:
    return desk.read(lambda s: s.scalar(select(func.count()).select_from(model)))


def test_the_house_moves_in_through_the_set_up_services(hotel: Desk, tmp_path: Path) -> None:
    types = "code;name;max_occupancy;price;features\nFAM;Family;4;140.00;double bed|sea view\n"
    assert pms(hotel, "import", "room-types", write(tmp_path, "t.csv", types)).exit_code == 0
    rooms = "number,room_type,floor\n401-403,FAM,4\n"
    assert pms(hotel, "import", "rooms", write(tmp_path, "r.csv", rooms)).exit_code == 0
    plans = "code,name,parent,percent\nCORP,Corporate,BAR,-10\n"
    assert pms(hotel, "import", "rate-plans", write(tmp_path, "p.csv", plans)).exit_code == 0
    rates = "plan,room_type,from,to,price,min_los\nBAR,FAM,2026-12-24,2026-12-26,180.50,2\n"
    result = pms(hotel, "import", "rates", write(tmp_path, "rates.csv", rates), "--json")
    assert json.loads(result.stdout)["created"] == 1

    fam = next(t for t in hotel.read(property_view, "TST").room_types if t.code == "FAM")
    assert (fam.max_occupancy, fam.rooms) == (4, 3)
    assert [r.number for r in hotel.read(list_rooms, "TST", room_type="FAM")] == [
        "401", "402", "403",
    ]  # fmt: skip
    assert "CORP" in [p.code for p in hotel.read(list_rate_plans, "TST")]
    exported = pms(hotel, "export", "rates", "--from", "24.12", "--to", "24.12", "--json")
    fam_rate = next(r for r in json.loads(exported.stdout) if r["room_type"] == "FAM")
    assert (fam_rate["price"], fam_rate["min_los"]) == ("180.50", 2)


def test_a_bad_file_names_every_bad_row_and_writes_nothing(hotel: Desk, tmp_path: Path) -> None:
    before = count(hotel, AuditLog)
    types = (
        "code,name,max_occupancy,price\n"
        "FAM,Family,4,140.00\n"
        "DBL,Double again,2,99\n"  # exists already: the service says so
        "BIG!,Big,0,12.345\n"  # a bad code, no room for anyone, a third decimal
    )
    found = problems(pms(hotel, "import", "room-types", write(tmp_path, "t.csv", types)))
    assert found[0].startswith("line 3: code: ")
    assert any(p.startswith("line 4: code: ") for p in found)
    assert "line 4: max_occupancy: must be at least 1" in found
    assert any(p.startswith("line 4: price: ") and "decimals" in p for p in found)
    assert count(hotel, AuditLog) == before  # FAM, the good row, was not kept either

    rooms = "number,room_type\n501,NOPE\n"
    assert problems(pms(hotel, "import", "rooms", write(tmp_path, "r.csv", rooms))) == [
        "line 2: room_type: there is no room type 'NOPE' at TST (known: DBL, SUI, TWN)"
    ]
    rates = (
        "plan,room_type,from,to,price\n"
        "BAR,DBL,24.12.2026,,100\n"
        "BAR,DBL,2026-12-24,,\n"
        "NOPE,DBL,2026-12-24,,100\n"
        "BAR,DBL,2026-12-24,,100.001\n"
    )
    found = problems(pms(hotel, "import", "rates", write(tmp_path, "rates.csv", rates)))
    assert found == [
        "line 2: from: must be a date, like 2026-12-24",
        "line 3: give a price or a restriction (min_los, stop_sell …)",
        "line 4: plan: there is no rate plan 'NOPE' at TST",
        "line 5: price: price '100.001' has more than 2 decimals",
    ]
    assert count(hotel, AuditLog) == before


def test_guests_come_with_or_without_bom_by_semicolon_comma_or_json(
    hotel: Desk, tmp_path: Path
) -> None:
    spreadsheet = (
        "First_Name;Last_Name;Email;Phone;Country\n"
        "Lucía;García;Lucia.Garcia@Example.com;912 345 678;pt\n"
    )
    path = write(tmp_path, "excel.csv", "\ufeff" + spreadsheet)
    assert pms(hotel, "import", "guests", path).exit_code == 0
    commas = 'first_name,last_name,email,phone,country\n"Lee, Jr.",Ada,ada@example.com,,GB\n'
    assert pms(hotel, "import", "guests", write(tmp_path, "c.csv", commas)).exit_code == 0
    listed = '[\n  {"first_name": "Kenji", "last_name": "Sato", "vip_level": 2}\n]\n'
    assert pms(hotel, "import", "guests", write(tmp_path, "g.json", listed)).exit_code == 0

    latin = write(tmp_path, "old.csv", "last_name\nGarcía\n", encoding="latin-1")
    refused = pms(hotel, "import", "guests", latin)
    assert refused.exit_code == 1
    assert refused.stderr == "error: line 2 is not UTF-8 text: save the file as UTF-8\n"

    guests = hotel.read(lambda s: {g.last_name: g for g in s.scalars(select(Guest))})
    assert guests["García"].email == "lucia.garcia@example.com"
    assert guests["García"].phone == "+351912345678"  # read with the guest's country
    assert guests["Ada"].first_name == "Lee, Jr."
    assert guests["Sato"].vip_level == 2


def test_a_json_file_names_the_line_of_each_bad_object(hotel: Desk, tmp_path: Path) -> None:
    listed = '[\n  {"last_name": "Sato"},\n  {"last_name": "Lee",\n   "email": "nope"}\n]\n'
    found = problems(pms(hotel, "import", "guests", write(tmp_path, "g.json", listed)))
    assert len(found) == 1 and found[0].startswith("line 3: email: ")


def test_duplicate_guests_are_refused_skipped_or_merged(hotel: Desk, tmp_path: Path) -> None:
    first = "first_name,last_name,email,phone\nAna,Silva,ana@example.com,\n"
    assert pms(hotel, "import", "guests", write(tmp_path, "a.csv", first)).exit_code == 0
    again = (
        "first_name,last_name,email,phone,city\n"
        "Ana,Silva,ANA@example.com,+351912345678,Porto\n"  # on file by e-mail
        "Rui,Costa,rui@example.com,+351 913 000 000,\n"
        "Rui,Costa,,+351913000000,Braga\n"  # line 3 by phone
    )
    path = write(tmp_path, "b.csv", again)
    found = problems(pms(hotel, "import", "guests", path))
    assert found[0].startswith("line 2: email: the same email as guest #")
    assert found[1] == "line 4: phone: the same phone as line 3"

    skipped = json.loads(pms(hotel, "import", "guests", path, "--on-duplicate", "skip",
                             "--dry-run", "--json").stdout)  # fmt: skip
    assert (skipped["created"], skipped["skipped"], skipped["dry_run"]) == (1, 2, True)
    assert count(hotel, Guest) == 1
    merged = pms(hotel, "import", "guests", path, "--on-duplicate", "merge", "--json")
    assert json.loads(merged.stdout)["created"] == 1
    guests = hotel.read(lambda s: {g.first_name: g for g in s.scalars(select(Guest))})
    assert (guests["Ana"].phone, guests["Ana"].city) == ("+351912345678", "Porto")
    assert guests["Rui"].city == "Braga"


def test_a_bad_row_at_the_end_of_a_long_file_leaves_the_hotel_untouched(
    hotel: Desk, tmp_path: Path
) -> None:
    audited = count(hotel, AuditLog)
    rows = [f"Guest{i},Number{i},guest{i}@example.com" for i in range(10_000)]
    text = "first_name,last_name,email\n" + "\n".join(rows) + "\nLast,,last@example\n"
    result = pms(hotel, "import", "guests", write(tmp_path, "long.csv", text))
    found = problems(result)
    assert found[0] == "line 10002: last_name: is required"
    assert found[1].startswith("line 10002: email: 'last@example' is not an e-mail address")
    assert len(found) == 2
    assert count(hotel, Guest) == 0
    assert count(hotel, AuditLog) == audited


def test_a_long_file_checked_on_two_cores_names_its_bad_rows_in_line_order(
    hotel: Desk, tmp_path: Path
) -> None:
    rows = [f"Guest{i},Number{i},guest{i}@example.com,+35191{i:07d}" for i in range(6_000)]
    rows[10] = "Ten,Ten,ten@example,"  # in the half this process checks
    rows[5_000] = "Five,Thousand,,+35191"  # in the half the worker process checks
    text = "first_name,last_name,email,phone\n" + "\n".join(rows) + "\n"
    found = problems(pms(hotel, "import", "guests", write(tmp_path, "long.csv", text)))
    assert [p.split(":")[0:2] for p in found] == [["line 12", " email"], ["line 5002", " phone"]]
    rows[10], rows[5_000] = "Ten,Ten,ten@example.com,", "Five,Thousand,,+351 912 000 001"
    text = "first_name,last_name,email,phone\n" + "\n".join(rows) + "\n"
    assert pms(hotel, "import", "guests", write(tmp_path, "long.csv", text)).exit_code == 0
    stored = hotel.read(lambda s: s.scalars(select(Guest.phone).order_by(Guest.id)).all())
    assert (len(stored), stored[5_000], stored[-1]) == (6_000, "+351912000001", "+351910005999")


def test_the_other_systems_stays_arrive_where_they_are_in_their_life(
    hotel: Desk, tmp_path: Path
) -> None:
    stays = (
        "external_ref,first_name,last_name,email,arrival,departure,room_type,adults,room,total\n"
        "OLD-1,Lucía,García,lucia@example.com,2026-11-20,2026-11-23,DBL,2,101,300.00\n"
        "OLD-2,Ada,Lee,ada@example.com,2026-11-29,2026-12-03,TWN,1,201,\n"
        "OLD-3,Lucía,García,lucia@example.com,2026-12-10,2026-12-12,SUI,2,,500.00\n"
    )
    path = write(tmp_path, "stays.csv", stays)
    report = json.loads(pms(hotel, "import", "reservations", path, "--json").stdout)
    assert report["created"] == 3

    exported = json.loads(pms(hotel, "export", "reservations", "--json").stdout)
    past, in_house, coming = ({k: row[k] for k in ("status", "room", "total")} for row in exported)
    assert past == {"status": "checked_out", "room": "101", "total": "300.00"}
    # The rate sheet's price for TWN, the file giving none; the room is kept from tonight on.
    assert in_house == {"status": "checked_in", "room": "201", "total": "360.00"}
    assert coming == {"status": "confirmed", "room": "", "total": "500.00"}
    stays_of = hotel.read(
        lambda s: dict(s.execute(select(Reservation.external_ref, Reservation.guest_id)).all())
    )
    assert stays_of["OLD-1"] == stays_of["OLD-3"]  # one Lucía, matched on her e-mail
    refs = hotel.read(
        lambda s: dict(s.execute(select(Reservation.external_ref, Reservation.confirmation)).all())
    )

    again = json.loads(pms(hotel, "import", "reservations", path, "--json").stdout)
    assert (again["created"], again["skipped"]) == (0, 3)  # a re-import is a no-op
    assert len(hotel.read(list_reservations, "TST")) == 3
    found = pms(hotel, "search", "OLD-3", "--json")
    assert [hit["ref"] for hit in json.loads(found.stdout)] == [refs["OLD-3"]]


def test_a_file_that_would_oversell_a_night_is_refused_at_its_lines(
    hotel: Desk, tmp_path: Path
) -> None:
    header = "external_ref,last_name,arrival,departure,room_type\n"
    rows = "".join(f"X-{i},Guest{i},2026-12-20,2026-12-22,SUI\n" for i in range(3))
    path = write(tmp_path, "full.csv", header + rows)
    found = problems(pms(hotel, "import", "reservations", path))
    assert found == [
        "line 3: room_type: SUI is sold out on Sun 2026-12-20",
        "line 4: room_type: SUI is sold out on Sun 2026-12-20",
    ]
    assert hotel.read(list_reservations, "TST") == []
    refused = json.loads(pms(hotel, "import", "reservations", path, "--json").stdout)
    assert refused["imported"] is False
    assert [(p["line"], p["field"]) for p in refused["problems"]] == [
        (3, "room_type"), (4, "room_type"),
    ]  # fmt: skip
    clerk = pms(hotel, "import", "reservations", path, "--allow-overbook", user="ana")
    assert clerk.exit_code == 1 and "manager" in clerk.stderr
    manager = pms(hotel, "import", "reservations", path, "--allow-overbook", user="maria")
    assert manager.exit_code == 0, manager.output
    assert len(hotel.read(list_reservations, "TST")) == 3


def test_the_shipped_example_files_import_into_the_example_hotel(desk: Desk) -> None:
    url = desk.engine.url.render_as_string(hide_password=False)
    built = _runner.invoke(
        app, ["--db", url, "init", "--from", str(EXAMPLES.parent / "hotel.toml")]
    )
    assert built.exit_code == 0, built.output
    for kind, name in [
        ("room-types", "room-types.csv"), ("rooms", "rooms.csv"),
        ("rate-plans", "rate-plans.csv"), ("rates", "rates.csv"), ("guests", "guests.csv"),
        ("guests", "guests.json"), ("reservations", "reservations.csv"),
    ]:  # fmt: skip
        result = pms(desk, "import", kind, str(EXAMPLES / name), "--json")
        assert result.exit_code == 0, f"{name}: {result.output}"
        assert json.loads(result.stdout)["created"] >= 1, name


def test_two_stays_of_a_file_never_share_a_room_on_a_night(hotel: Desk, tmp_path: Path) -> None:
    stays = (
        "external_ref,last_name,arrival,departure,room_type,room\n"
        "H-1,Sousa,2026-11-25,2026-11-28,DBL,102\n"
        "H-2,Lima,2026-11-27,2026-11-29,DBL,102\n"  # 102 is Sousa's on the 27th
        "H-3,Reis,2026-11-30,2026-12-02,TWN,\n"  # in house: given a free twin
        "H-4,Melo,2026-12-05,2026-12-06,SUI,101\n"  # 101 is a double
    )
    found = problems(pms(hotel, "import", "reservations", write(tmp_path, "h.csv", stays)))
    assert found == [
        "line 3: room: room 102 is taken on Fri 2026-11-27",
        "line 5: room: room 101 is not a SUI room",
    ]
    fixed = stays.replace("11-27,2026-11-29,DBL,102", "11-27,2026-11-29,DBL,103").replace(
        "SUI,101", "SUI,301"
    )
    result = pms(hotel, "import", "reservations", write(tmp_path, "h2.csv", fixed), "--json")
    assert json.loads(result.stdout)["created"] == 4
    exported = json.loads(pms(hotel, "export", "reservations", "--json").stdout)
    rooms = {r["external_ref"]: (r["status"], r["room"]) for r in exported}
    assert rooms == {
        "H-1": ("checked_out", "102"), "H-2": ("checked_out", "103"),
        "H-3": ("checked_in", "201"), "H-4": ("confirmed", "301"),
    }  # fmt: skip
