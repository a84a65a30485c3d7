"""Everything else is in pyproject.toml. This adds the web app to the package: web/ (kept at the top
of the checkout, where the docs, the tests and the npm config expect it) is copied into the built
package as server/web, so a wheel, a container image or a platform build serves the pages and
/static/ (server/config.py looks there first, then in the checkout). An editable install (-e) copies
nothing: the checkout's web/ is served directly. tests/test_wheel_install.py builds and serves a wheel.
"""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

WEB = Path(__file__).resolve().parent / "web"


class BuildWithWeb(build_py):
    def run(self):
        super().run()
        if not self.editable_mode:
            target = Path(self.build_lib) / "server" / "web"
            shutil.rmtree(target, ignore_errors=True)  # no file deleted from web/ left over from a previous build
            self.copy_tree(str(WEB), str(target))


setup(cmdclass={"build_py": BuildWithWeb})
