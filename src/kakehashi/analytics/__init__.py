"""Cooperation analytics (issue 12): indicators computed from the store (nothing stored twice), the tables
behind every chart, their exports, the dashboard and the quarterly report."""
