"""Classes: a teacher's class on one server (who joined, the shared base preset, each student's run, the board)."""
