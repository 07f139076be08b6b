"""The one live session loop under every front-end: input, the Session, sound, the pacer."""
