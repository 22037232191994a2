"""The Textual application: the App shell (`app.py`), the factory that builds it for the
command line and the tests (`factory.py`), the demo shop (`demo.py`), the browser mode
guarded against other sites (`serve.py`)."""
