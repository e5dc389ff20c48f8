"""Messaging without a database: GSM 03.38, SMS templates, the inbound command
parser, the call-out rules and the SMS provider client. Imports no Django."""
