# The two commands: `make dev` runs the function locally against an emulated AWS; `make test` runs
# every test. Both install what they need (a Python venv in .venv) on first use.

.PHONY: dev test show lint ci bench bench-profile bench-schedule bench-cost deploy web-forms

dev:
	bash scripts/dev.sh

test:
	bash scripts/test.sh

# What the local run stored and sent (while `make dev` is running).
show:
	@AWS_ENDPOINT_URL=http://127.0.0.1:$${MOTO_PORT:-5005} AWS_REGION=us-east-1 \
	AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing \
	.venv/bin/python scripts/local_aws.py show --table consultations-local

lint:
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings

ci: lint test

# Rewrites the drop-in forms in web/ (English and Spanish) from the catalogues in locales/, with the
# practice's phone and address when given: make web-forms PRACTICE_PHONE="(312) 555-0100"
# PRACTICE_CONTACT_EMAIL=frontdesk@example.com (without them the forms carry none).
web-forms:
	PRACTICE_PHONE="$(PRACTICE_PHONE)" PRACTICE_CONTACT_EMAIL="$(PRACTICE_CONTACT_EMAIL)" \
	UPDATE_WEB_FORMS=1 cargo test --lib hosted_form::tests::the_drop_in_forms_in_web_are_the_catalogues_words

# Cold start, warm latency and memory next to a bare hello-world; the pure-path benchmark.
bench:
	bash scripts/bench.sh $(ARGS)

# One cold start under callgrind: its instructions by step and by crate (valgrind counts, not times).
bench-profile:
	bash scripts/bench_profile.sh $(ARGS)

# The scheduled run with 10, 1,000 and 10,000 stored requests: its AWS calls and CPU time.
bench-schedule:
	bash scripts/bench_schedule.sh $(ARGS)

# Build with the project's own tools (cargo-lambda in .venv, the SAM CLI in .venv-sam), then
# the handful of values the practice must give (kept in .deploy/answers.json; SET="Name=value ..."
# for any other parameter) and `sam deploy`. BUILD_ONLY=1 stops after the build. See docs/deploy.md.
deploy:
	BUILD_ONLY=$(BUILD_ONLY) SET="$(SET)" bash scripts/deploy.sh $(ARGS)

# The monthly bill from what the function does (bench/cost.py): DynamoDB units per request and
# per scheduled run from moto's recording and the items' sizes, and the bill at 30, 300 and 3,000
# requests a month.
bench-cost:
	bash scripts/bench_cost.sh $(ARGS)
