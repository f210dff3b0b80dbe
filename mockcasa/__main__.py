from mockcasa.cli import main

raise SystemExit(main())
