"""The support-services directory (Open Referral HSDS 3.0 aligned)."""
