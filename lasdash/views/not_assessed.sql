-- title: Organisations not yet assessed for power and interest
-- footprint: o.footprint
-- sub_group: o.sub_group_id

SELECT {scope}o.id AS "ID", o.name AS "Organisation", o.sub_group_name AS "Sub-group", o.category AS "Category",
  o.footprint AS "Footprint",
  CASE WHEN o.power IS NULL AND o.interest IS NULL THEN 'Power and interest'
       WHEN o.power IS NULL THEN 'Power' ELSE 'Interest' END AS "Missing",
  o.source AS "Source"
FROM org_x o
WHERE (o.power IS NULL OR o.interest IS NULL) AND {where}
ORDER BY {scope_order}o.sub_group_id, o.name
