"""``python -m jupyterlab_trail.content_compare RECORDED REPRODUCED [...]``."""

import sys

from . import main

sys.exit(main())
