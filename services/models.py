"""Support-services directory models (to come: Open Referral HSDS 3.0 aligned)."""
