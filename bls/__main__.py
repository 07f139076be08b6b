from bls.cli import main

raise SystemExit(main())
