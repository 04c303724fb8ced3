"""The `pms` command line (placeholder until the CLI lands)."""


def main() -> None:
    """Entry point."""
    raise SystemExit("the CLI is not built yet")
