"""The office's daily loop around a task: 交办 and 签收, decisions told to whom they
concern, what waits on the office, a leader's 批示."""
