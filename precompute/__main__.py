from precompute.cli import main

# Guarded: worker processes (spawn) import this module as __mp_main__ and must not rerun it.
if __name__ == "__main__":
    raise SystemExit(main())
