"""Simulated candidates (模拟数据) for benchmarks, equivalence tests and the statistics demo.

Everything produced here is labelled as simulated; none of it is a real result.
"""
