"""The class panel (issue 25): open, join, start, the board; the Runs tab shows it."""
