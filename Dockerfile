# Untested here (no Docker engine on the development machines); kept plain.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o /out/pamong ./cmd/pamong

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/pamong /usr/local/bin/pamong
USER nonroot:nonroot
EXPOSE 8080
# In a container the database comes from DATABASE_URL (see docker-compose.yml).
ENTRYPOINT ["/usr/local/bin/pamong"]
CMD ["serve"]
