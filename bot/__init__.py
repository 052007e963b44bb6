"""HTTP face of the Jize County HRSS assistant: API, sessions, logs, tickets, static pages."""
