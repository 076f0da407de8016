from kam_bot.cli import main

raise SystemExit(main())
