-- id: gh-environment-unprotected
-- title: Environment holding secrets has no required reviewers and no branch policy
-- severity: medium
-- platforms: github
-- description: Environment secrets are meant to be gated; with neither reviewers nor a deployment-branch policy, any branch's workflow can deploy and read them.
-- remediation: Repository settings > Environments: add required reviewers and/or restrict Deployment branches to protected branches.
-- tactics: credential-access, privilege-escalation
-- references: zizmor secrets-outside-env; CIS SSCS 2.3.5
WITH env_secrets AS (
    SELECT platform, host, org, repo, container, count(*) AS n
    FROM secrets
    WHERE platform = 'github' AND scope = 'environment'
    GROUP BY platform, host, org, repo, container
)
SELECT
    'environment' AS resource_type,
    e.org || '/' || e.repo || ':' || e.name AS resource,
    CAST(s.n AS VARCHAR) || ' secret(s); '
        || CAST(coalesce(cardinality(e.required_reviewers), 0) AS VARCHAR) || ' required reviewer(s); deployment branches: '
        || coalesce(e.deployment_branch_policy, 'any') AS reason,
    CASE
        WHEN coalesce(cardinality(e.required_reviewers), 0) > 0 THEN 'pass'
        WHEN e.deployment_branch_policy IN ('protected_branches', 'custom') THEN 'pass'
        ELSE 'fail'
    END AS status,
    e.platform, e.host, e.org, e.repo
FROM environments e
JOIN env_secrets s ON s.platform = e.platform AND s.host = e.host AND s.org = e.org
    AND s.repo = e.repo AND lower(s.container) = lower(e.name)
WHERE e.platform = 'github'
