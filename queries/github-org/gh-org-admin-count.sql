-- id: gh-org-admin-count
-- title: Organisation has fewer than two or too many owners
-- severity: high
-- platforms: github
-- description: A single owner is a lock-out risk with no break-glass account; many owners widen who can change every security setting.
-- remediation: Keep between 2 and {{max_admins}} organisation owners; demote the others to members and grant admin on specific repositories through teams.
-- tactics: privilege-escalation, persistence
-- references: Defender: "GitHub organizations should have more than one person with administrator permissions"; CIS SSCS 1.3.3; Legitify organization_has_too_many_admins
-- param: max_admins = 5
WITH counts AS (
    SELECT platform, host, org,
           count(*) AS members,
           sum(CASE WHEN role = 'admin' THEN 1 ELSE 0 END) AS admins
    FROM members
    WHERE platform = 'github' AND coalesce(role, '') <> 'outside_collaborator'
    GROUP BY platform, host, org
)
SELECT
    'org' AS resource_type,
    o.org AS resource,
    CASE
        WHEN c.members IS NULL THEN 'organisation members could not be listed'
        ELSE CAST(c.admins AS VARCHAR) || ' owner(s); expected 2 to {{max_admins}}'
    END AS reason,
    CASE
        WHEN c.members IS NULL THEN 'unknown'
        WHEN c.admins < 2 OR c.admins > {{max_admins}} THEN 'fail'
        ELSE 'pass'
    END AS status,
    o.platform, o.host, o.org
FROM orgs o
LEFT JOIN counts c ON c.platform = o.platform AND c.host = o.host AND c.org = o.org
WHERE o.platform = 'github'
