-- title: Forums with their host's name and their sub-group (their own, else their host's)

SELECT f.* EXCLUDE (sub_group_id), h.name AS host_name,
       coalesce(nullif(f.sub_group_id, ''), h.sub_group_id) AS sub_group_id
FROM forums f LEFT JOIN organisations h ON h.id = f.host_organisation_id
