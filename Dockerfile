# Browser libraries from npm (wwwroot/package-lock.json)
FROM node:20-bookworm-slim AS client
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

# Run, as the image's non-root user; tables are kept in /data (a volume it owns)
FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
RUN mkdir -p /data && chown "$APP_UID" /data
ENV ASPNETCORE_HTTP_PORTS=8080 \
    ASPNETCORE_ENVIRONMENT=Production \
    TsvLive__DataDirectory=/data
VOLUME /data
EXPOSE 8080
USER $APP_UID
ENTRYPOINT ["dotnet", "TsvLive.dll"]
