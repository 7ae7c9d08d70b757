-- title: Organisations mapped but not engaged
-- footprint: o.footprint
-- sub_group: o.sub_group_id

SELECT {scope}o.name AS "Organisation", o.sub_group_name AS "Sub-group", o.category AS "Category",
  o.footprint AS "Footprint", o.las_owner AS "LAS relationship owner", o.source AS "Source"
FROM org_x o
WHERE NOT o.engaged AND {where}
ORDER BY {scope_order}o.sub_group_id, o.name
