"""Socket helpers shared by the agent and the client (no torch import: the client stays torch-free)."""
import socket


def close_quietly(sock):
    """Shut down first (it wakes a recv blocked on another thread and tells the peer at once), then close;
    a socket that is already gone is fine."""
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass
