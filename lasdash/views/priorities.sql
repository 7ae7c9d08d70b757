-- title: Power/interest priorities (Mendelow grid) of assessed organisations
-- footprint: o.footprint
-- sub_group: o.sub_group_id
-- owner: o.las_owner

WITH reached AS (
  SELECT e.organisation_id,
    min(array_position(['Co-produce', 'Engage on specific aspects', 'Keep informed'], e.level)) AS depth
  FROM engagements e WHERE e.level IS NOT NULL GROUP BY e.organisation_id)
SELECT {scope}o.name AS "Organisation",
  -- Mendelow's grid is two by two: only 'High' moves an organisation up, so 'Medium' counts as low
  CASE WHEN o.power = 'High' AND o.interest = 'High' THEN 'Manage closely'
       WHEN o.power = 'High' THEN 'Keep satisfied'
       WHEN o.interest = 'High' THEN 'Keep informed'
       ELSE 'Monitor' END AS "Priority",
  o.power AS "Power", o.interest AS "Interest", o.sub_group_name AS "Sub-group", o.footprint AS "Footprint",
  o.target_level AS "Target engagement",
  ['Co-produce', 'Engage on specific aspects', 'Keep informed'][r.depth] AS "Level reached",
  o.las_owner AS "LAS relationship owner", o.source AS "Source"
FROM org_x o LEFT JOIN reached r ON r.organisation_id = o.id
WHERE o.power IS NOT NULL AND o.interest IS NOT NULL AND {where}
ORDER BY {scope_order}array_position(['Manage closely', 'Keep satisfied', 'Keep informed', 'Monitor'], "Priority"),
  array_position(['High', 'Medium', 'Low'], o.power), array_position(['High', 'Medium', 'Low'], o.interest),
  o.name
