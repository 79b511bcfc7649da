"""Enrollment context: the published program (catalog, 公示), applications, approvals, agreements and
waiting lists."""
