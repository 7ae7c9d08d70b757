-- title: Organisations with their sub-group's name, their contact interval, and whether and when they were last engaged
-- contact_every_days is the interval in force: the organisation's own, else its sub-group's default.

SELECT o.* REPLACE (coalesce(o.contact_every_days, sg.contact_every_days) AS contact_every_days),
       sg.name AS sub_group_name,
       CASE WHEN o.contact_every_days IS NOT NULL THEN 'Its own'
            WHEN sg.contact_every_days IS NOT NULL THEN 'From sub-group ' || sg.id END AS interval_from,
       EXISTS (SELECT 1 FROM engagements e WHERE e.organisation_id = o.id) AS engaged,
       (SELECT max(e.date) FROM engagements e WHERE e.organisation_id = o.id) AS last_engaged
FROM organisations o LEFT JOIN sub_groups sg ON sg.id = o.sub_group_id
