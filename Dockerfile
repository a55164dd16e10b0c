# Browser libraries from npm (wwwroot/package-lock.json)
FROM node:22-bookworm-slim AS client
WORKDIR /src/wwwroot
COPY wwwroot/package.json wwwroot/package-lock.json ./
RUN npm ci --no-audit --no-fund

# Build
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig TsvLive.sln ./
COPY src/TsvLive/TsvLive.csproj src/TsvLive/
RUN dotnet restore src/TsvLive/TsvLive.csproj -r linux-x64
COPY src/ src/
COPY wwwroot/ wwwroot/
COPY --from=client /src/wwwroot/node_modules wwwroot/node_modules
# For linux-x64, so the code is compiled ahead of time (ReadyToRun): no JIT wait on the first upload.
RUN dotnet publish src/TsvLive/TsvLive.csproj -c Release -r linux-x64 --self-contained false -o /app --no-restore

# Run, as the image's non-root user. A single instance keeps its tables in /data: mount a volume
# there (docker run -v tsvlive:/data -p 8080:8080 tsvlive). With Redis (docker-compose.yml) the
# data directory is not used, so the image declares no volume of its own.
FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
RUN mkdir -p /data && chown "$APP_UID" /data
ENV ASPNETCORE_HTTP_PORTS=8080 \
    ASPNETCORE_ENVIRONMENT=Production \
    TsvLive__DataDirectory=/data
EXPOSE 8080
USER $APP_UID
# The image has no curl: the app asks its own /healthz (on ASPNETCORE_HTTP_PORTS).
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 CMD ["dotnet", "TsvLive.dll", "--probe"]
ENTRYPOINT ["dotnet", "TsvLive.dll"]
