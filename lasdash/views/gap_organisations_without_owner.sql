-- title: Data gaps: organisations without a LAS relationship owner
-- footprint: o.footprint
-- sub_group: o.sub_group_id

SELECT {scope}o.id AS "ID", o.name AS "Organisation", o.sub_group_name AS "Sub-group", o.footprint AS "Footprint",
  CASE WHEN o.engaged THEN 'Yes' ELSE 'No' END AS "Engaged", o.source AS "Source"
FROM org_x o
WHERE o.las_owner IS NULL AND {where}
ORDER BY {scope_order}o.sub_group_id, o.name
