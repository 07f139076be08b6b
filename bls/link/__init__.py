"""The client link: a web page that draws the target and plays the tones on the client's device."""
