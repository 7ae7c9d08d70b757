-- title: Organisations
-- footprint: o.footprint
-- sub_group: o.sub_group_id
-- owner: o.las_owner

SELECT {scope}o.id AS "ID", o.name AS "Name", o.sub_group_name AS "Sub-group", o.category AS "Category",
  o.footprint AS "Footprint", o.borough AS "Borough", p.name AS "Parent",
  o.power AS "Power", o.interest AS "Interest", o.target_level AS "Target engagement",
  o.las_owner AS "LAS relationship owner", o.contact_every_days AS "Contact every (days)",
  o.interval_from AS "Interval from",
  CASE WHEN o.engaged THEN 'Yes' ELSE 'No' END AS "Engaged", o.last_engaged AS "Last engaged",
  o.source AS "Source"
FROM org_x o LEFT JOIN organisations p ON p.id = o.parent_id
WHERE {where}
ORDER BY {scope_order}o.sub_group_id, o.name
