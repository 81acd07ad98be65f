# Untested here (no Docker engine on the development machines). The build
# stage runs the Makefile's own build target, so the two cannot drift apart;
# the region codes are embedded in the binary and imported on first start.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN make build

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /src/pamong /usr/local/bin/pamong
USER nonroot:nonroot
EXPOSE 8080
# In a container the database comes from DATABASE_URL (see docker-compose.yml).
ENTRYPOINT ["/usr/local/bin/pamong"]
CMD ["serve"]
