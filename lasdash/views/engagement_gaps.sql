-- title: Target engagement level against the level reached
-- footprint: o.footprint
-- sub_group: o.sub_group_id

WITH reached AS (
  SELECT e.organisation_id, count(*) AS engagements,
    min(array_position(['Co-produce', 'Engage on specific aspects', 'Keep informed'], e.level)) AS depth
  FROM engagements e WHERE e.organisation_id IS NOT NULL GROUP BY e.organisation_id)
SELECT * EXCLUDE (sub_group_id) FROM (
  SELECT {scope}o.name AS "Organisation", o.sub_group_name AS "Sub-group", o.footprint AS "Footprint",
    o.target_level AS "Target engagement",
    coalesce(['Co-produce', 'Engage on specific aspects', 'Keep informed'][r.depth],
             CASE WHEN r.engagements > 0 THEN 'Level not recorded' ELSE 'Not engaged' END) AS "Level reached",
    CASE WHEN r.depth IS NULL AND r.engagements > 0 THEN 'Engaged, level not recorded'
         WHEN r.depth IS NULL THEN 'No engagement recorded'
         WHEN r.depth > array_position(['Co-produce', 'Engage on specific aspects', 'Keep informed'],
                                       o.target_level) THEN 'Below target'
         ELSE 'Target met' END AS "Gap",
    o.las_owner AS "LAS relationship owner", o.last_engaged AS "Last engaged (date)", o.source AS "Source",
    o.sub_group_id
  FROM org_x o LEFT JOIN reached r ON r.organisation_id = o.id
  WHERE o.target_level IS NOT NULL AND {where})
ORDER BY {scope_order}array_position(['No engagement recorded', 'Below target', 'Engaged, level not recorded', 'Target met'],
  "Gap"), sub_group_id, "Organisation"
