-- id: x-unprotected-branch-deploys
-- title: Deployment from an unprotected default branch to an environment without reviewers
-- severity: high
-- platforms: github, azure_devops
-- description: A pipeline job deploys to an environment that needs no approval, from a repository whose default branch has no protection: anyone with write access can push to the default branch and ship straight to that environment.
-- remediation: Protect the default branch (pull requests with reviews) and add required reviewers (GitHub) or an Approval check (Azure DevOps) to the environment.
-- tactics: impact, privilege-escalation, execution
-- references: CIS SSCS 1.1.1; CIS SSCS 2.3.5; zizmor secrets-outside-env
WITH deploys AS (
    SELECT platform, host, org, coalesce(project, '') AS project, repo, path, job_id, environment,
           min(coalesce(key_lines['environment'], line)) AS line
    FROM pipeline_jobs
    WHERE platform IN ('github', 'azure_devops') AND environment IS NOT NULL AND environment NOT LIKE '%${%'
    GROUP BY platform, host, org, coalesce(project, ''), repo, path, job_id, environment
),
approvals AS (
    SELECT platform, host, org, p_project, p_repo, env_name, count(*) AS n
    FROM (SELECT platform, host, org, coalesce(project, '') AS p_project, coalesce(repo, '') AS p_repo,
                 lower(name) AS env_name, unnest(checks) AS c
          FROM environments WHERE coalesce(cardinality(checks), 0) > 0) t
    WHERE lower(get_field(c, 'type')) LIKE '%approval%'
    GROUP BY platform, host, org, p_project, p_repo, env_name
),
env AS (
    SELECT e.platform, e.host, e.org, coalesce(e.project, '') AS project, coalesce(e.repo, '') AS repo, lower(e.name) AS env_name,
           max(coalesce(cardinality(e.required_reviewers), 0)) AS reviewers,
           max(coalesce(a.n, 0)) AS approval_checks
    FROM environments e
    LEFT JOIN approvals a ON a.platform = e.platform AND a.host = e.host AND a.org = e.org
        AND a.p_project = coalesce(e.project, '') AND a.p_repo = coalesce(e.repo, '') AND a.env_name = lower(e.name)
    GROUP BY e.platform, e.host, e.org, coalesce(e.project, ''), coalesce(e.repo, ''), lower(e.name)
),
prot AS (
    SELECT DISTINCT platform, host, org, coalesce(project, '') AS project, repo
    FROM branch_policies
    WHERE applies_to_default_branch = true AND coalesce(enforcement, 'active') = 'active'
)
SELECT
    'job' AS resource_type,
    concat_ws('/', d.org, nullif(d.project, ''), d.repo) || ':' || coalesce(d.path, '') || '#' || coalesce(d.job_id, '') || ' -> ' || d.environment AS resource,
    CASE
        WHEN pr.repo IS NULL AND coalesce(e.reviewers, 0) = 0 AND coalesce(e.approval_checks, 0) = 0 THEN
            'deploys to ' || d.environment || ' (no reviewers) from an unprotected default branch'
        WHEN pr.repo IS NULL THEN 'default branch unprotected, but ' || d.environment || ' requires approval'
        ELSE 'default branch is protected'
    END AS reason,
    CASE
        WHEN pr.repo IS NULL AND coalesce(e.reviewers, 0) = 0 AND coalesce(e.approval_checks, 0) = 0 THEN 'fail'
        ELSE 'pass'
    END AS status,
    d.platform, d.host, d.org, nullif(d.project, '') AS project, d.repo,
    d.path, d.line
FROM deploys d
LEFT JOIN env e ON e.platform = d.platform AND e.host = d.host AND e.org = d.org AND e.project = d.project
    AND e.repo = CASE WHEN d.platform = 'azure_devops' THEN '' ELSE d.repo END AND e.env_name = lower(d.environment)
LEFT JOIN prot pr ON pr.platform = d.platform AND pr.host = d.host AND pr.org = d.org
    AND pr.project = d.project AND pr.repo = d.repo
