from transforms.evaluation.scoring import main

raise SystemExit(main())
