-- The NBS statistical division codes (2023 edition, pipeline/data/gazetteer/), one row per division,
-- loaded by pipeline.units.db.load_divisions. Codes are strings: province 2 digits, city 4, county 6,
-- township 9. province_code / city_code / county_code are the division's own code at its level and its
-- parents' above it (NULL below it), so any level joins on the same column as reports does.
-- Some city rows are placeholders, not places (市辖区, 县, 省直辖县级行政区划): their counties still roll
-- up through them; see pipeline/data/gazetteer/SOURCE.md.
CREATE TABLE IF NOT EXISTS divisions (
    code          VARCHAR PRIMARY KEY,
    name          VARCHAR NOT NULL,
    level         VARCHAR NOT NULL,
    parent_code   VARCHAR,            -- NULL for a province
    province_code VARCHAR NOT NULL,
    city_code     VARCHAR,
    county_code   VARCHAR,
    CHECK (level IN ('province', 'city', 'county', 'township')),
    CHECK (length(code) = CASE level WHEN 'province' THEN 2 WHEN 'city' THEN 4 WHEN 'county' THEN 6 ELSE 9 END)
);
