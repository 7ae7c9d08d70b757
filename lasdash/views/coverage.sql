-- title: Mapped and engaged organisations by sub-group and HCP
-- footprint: o.footprint
-- sub_group: o.sub_group_id
-- scope: coalesce(o.footprint, 'Not stated')

SELECT * FROM (
  SELECT {scope}o.sub_group_id AS "Sub-group ID", o.sub_group_name AS "Sub-group",
    coalesce(o.footprint, 'Not stated') AS "Footprint", count(*) AS "Mapped",
    count(*) FILTER (WHERE o.engaged) AS "Engaged",
    round(100.0 * count(*) FILTER (WHERE o.engaged) / count(*), 1) AS "Engaged %"
  FROM org_x o
  WHERE {where}
  GROUP BY o.sub_group_id, o.sub_group_name, coalesce(o.footprint, 'Not stated'))
ORDER BY {scope_order}"Sub-group ID",
  array_position(['NWL','NCL','NEL','SEL','SWL','London','National','Not stated'], "Footprint")
