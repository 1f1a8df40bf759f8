"""`python -m tui_reader` runs the same entry point as the `tui-reader` script."""

from tui_reader.cli import console_main

if __name__ == "__main__":
    raise SystemExit(console_main())
