"""Voice: speech to text for voice notes (the optional "voice" extra).

``bot.voice.stt`` holds the Transcriber and its errors, ``bot.voice.model`` finds the model.
Nothing here imports faster-whisper or PyAV until a note is transcribed.
"""
