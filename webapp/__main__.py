"""`python -m webapp`: serve the app (local emulator unless Cognito is configured)."""

from webapp.app import main

if __name__ in {"__main__", "__mp_main__"}:
    main()
