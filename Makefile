# The README's commands. `make test` is what CI runs.
.PHONY: run test lint fmt bench build mutants

build:
	CGO_ENABLED=0 go build -o vocdesk ./cmd/vocdesk

run: build
	./vocdesk demo && ./vocdesk serve

test:
	scripts/test.sh

lint:
	go vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	go tool staticcheck ./...

fmt:
	gofmt -w $$(git ls-files '*.go')

bench:
	cd bench && go run ./ledger && go run ./recon -rows 1000000

# Applies each mutation of scripts/mutants.txt to a scratch copy and reports
# which the tests kill; MUTANTS=regex picks some. Not part of CI. Set
# VOCDESK_TEST_POSTGRES so storage tests count on both engines.
mutants:
	scripts/mutants.sh $(MUTANTS)
