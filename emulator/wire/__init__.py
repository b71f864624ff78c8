"""The wire layer: framing, checksums, security streams and the message codec.

Everything here is sans-IO: objects are fed bytes and return frames, messages or
bytes; nothing imports a reactor.
"""
