"""The parts of bench/generate.py, split by concern.

- spec.py      one report's full description (ReportSpec) and its random draw, seeded per report
- cells.py     the canonical cell order of each format edition (from the project's taxonomy) and the values
               of one report: realistic distributions, consistent arithmetic, blanks and '/' marks, and which
               cells a layout makes uncertain
- units.py     issuing units drawn from the packaged gazetteer, with the names and codes the unit resolver
               should find
- tables.py    tables 二, 三, 四 as grids of labelled cells with rowspan/colspan, the way the forms print
- layouts.py   one renderer per layout (the ways real reports reach us as text), compiled to templates
- narrative.py the prose around the tables: title, six sections, period statement, signature
- document.py  a whole report in one layout (text, PDF text or HTML page), traditional script, bytes
- truth.py     streaming writers of ground_truth.parquet and ground_truth_meta.csv
- rng.py       random.Random with cheaper choice/randint/weighted draws (the hot path of generation)

Speed matters (the benchmark draws 100,000 reports): the table text is compiled once per layout and style
and filled per report, the per-report RNG draws stay in C where they can, and the ground truth is appended
as integer arrays and encoded to Parquet on a writer thread.
"""
