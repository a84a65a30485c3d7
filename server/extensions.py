"""Extensions created unbound here and attached in create_app()."""
from flask_socketio import SocketIO

socketio = SocketIO()
